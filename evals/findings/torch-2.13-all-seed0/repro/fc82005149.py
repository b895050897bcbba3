# Reproducer for torch.linalg.ldl_factor (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.ldl_factor#29: boundary value A: inf.
# Expected outcome: RuntimeError: false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. torch.linalg.ldl_factor: Unknown error code: 2.
# Run: python fc82005149.py
import torch
torch.manual_seed(2141245273)
A_ = torch.full([1, 2, 3, 3], float('inf')).to(torch.complex128)
result = torch.linalg.ldl_factor(A_)
