# Reproducer for torch.linalg.lstsq (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.lstsq#46: boundary value A: huge; B: nan (on accepted input torch.linalg.lstsq#24).
# Expected outcome: RuntimeError: false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp":1613, please report a bug to PyTorch. torch.linalg.lstsq: Argument 7 has illegal value. Most certainly there is a bug in the implementation calling the backend library.
# Run: python b64d395e9e.py
import torch
torch.manual_seed(807311072)
A_ = torch.full([2, 1], 1e+30).to(torch.complex64)
B_ = torch.full([2], float('nan')).to(torch.complex64)
result = torch.linalg.lstsq(A_, B_)
