# Reproducer for torch.linalg.ldl_factor_ex (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.ldl_factor_ex#29: boundary value A: huge.
# Expected outcome: RuntimeError: false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. torch.linalg.ldl_factor_ex: Unknown error code: 2.
# Run: python f65292ef17.py
import torch
torch.manual_seed(1526661402)
A_ = torch.full([2, 2], 1e+30).to(torch.float32)
check_errors_ = True
result = torch.linalg.ldl_factor_ex(A_, check_errors=check_errors_)
