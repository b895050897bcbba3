# Reproducer for torch.lobpcg (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.lobpcg#41: boundary value niter: int:-2147483648; tol: float:5e-324 (on accepted input torch.lobpcg#6).
# Expected outcome: no result within the time limit (10.1395 s)
# Run: python 2c8f285c25.py
import torch
torch.manual_seed(1818162625)
A_ = torch.randn([4, 4], dtype=torch.float32)
k_ = 1
X_ = torch.randn([4, 1], dtype=torch.float32)
n_ = 0
iK_ = torch.randn([4, 4], dtype=torch.float32)
niter_ = -2147483648
tol_ = 5e-324
largest_ = True
ortho_fparams_ = torch.randn([2, 2], dtype=torch.float32)
result = torch.lobpcg(A_, k_, X=X_, n=n_, iK=iK_, niter=niter_, tol=tol_, largest=largest_, ortho_fparams=ortho_fparams_)
