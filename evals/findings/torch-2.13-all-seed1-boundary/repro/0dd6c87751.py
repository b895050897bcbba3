# Reproducer for torch.nn.functional.fractional_max_pool2d (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool2d#172: boundary value kernel_size: item -2147483648.
# Expected outcome: RuntimeError: h2 >= 0 && h2 < inputH INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/FractionalMaxPool2d.cpp":170, please report a bug to PyTorch.
# Run: python 0dd6c87751.py
import torch
torch.manual_seed(644515077)
input_ = torch.full([1, 1, 1], 1.0).to(torch.float32)
kernel_size_ = (-2147483648, 1)
output_size_ = 1
result = torch.nn.functional.fractional_max_pool2d(input_, kernel_size_, output_size_)
