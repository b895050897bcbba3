# Reproducer for torch.linalg.ldl_factor (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.ldl_factor#3: boundary value A: other_dtype.
# Expected outcome: RuntimeError: false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. torch.linalg.ldl_factor: Unknown error code: 4.
# Run: python fc82005149.py
import torch
torch.manual_seed(848509233)
A_ = torch.full([1, 1], 0.0).to(torch.float32)
result = torch.linalg.ldl_factor(A_)
