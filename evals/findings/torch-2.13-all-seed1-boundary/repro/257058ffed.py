# Reproducer for torch.linalg.lstsq (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.lstsq#73: boundary value A: nan (on accepted input torch.linalg.lstsq#14).
# Expected outcome: RuntimeError: false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp":1613, please report a bug to PyTorch. torch.linalg.lstsq: (Batch element 0): Argument 4 has illegal value. Most certainly there is a bug in the implementation calling the backend library.
# Run: python 257058ffed.py
import torch
torch.manual_seed(1438225307)
A_ = torch.full([3, 1, 1], float('nan')).to(torch.complex64)
B_ = torch.full([1, 1], 1.0).to(torch.complex64)
result = torch.linalg.lstsq(A_, B_)
