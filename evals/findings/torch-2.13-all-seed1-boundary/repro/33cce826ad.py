# Reproducer for torch.nn.functional.fractional_max_pool3d (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool3d#105: boundary value kernel_size: int:-9223372036854775807 (on accepted input torch.nn.functional.fractional_max_pool3d#6).
# Expected outcome: RuntimeError: t2 >= 0 && t2 < inputT INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/FractionalMaxPool3d.cpp":148, please report a bug to PyTorch.
# Run: python 33cce826ad.py
import torch
torch.manual_seed(882416086)
input_ = torch.full([1, 1, 1, 1], 1.0).to(torch.float32)
kernel_size_ = -9223372036854775807
output_size_ = 1
result = torch.nn.functional.fractional_max_pool3d(input_, kernel_size_, output_size_)
