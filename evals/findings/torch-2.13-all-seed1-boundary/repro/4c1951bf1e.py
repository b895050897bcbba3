# Reproducer for torch.nn.functional.fractional_max_pool2d_with_indices (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool2d_with_indices#105: boundary value kernel_size: int:-2147483649 (on accepted input torch.nn.functional.fractional_max_pool2d_with_indices#11).
# Expected outcome: RuntimeError: h2 >= 0 && h2 < inputH INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/FractionalMaxPool2d.cpp":170, please report a bug to PyTorch.
# Run: python 4c1951bf1e.py
import torch
torch.manual_seed(1741737431)
input_ = torch.full([1, 1, 1], 1.0).to(torch.float32)
kernel_size_ = -2147483649
output_size_ = 1
result = torch.nn.functional.fractional_max_pool2d_with_indices(input_, kernel_size_, output_size_)
