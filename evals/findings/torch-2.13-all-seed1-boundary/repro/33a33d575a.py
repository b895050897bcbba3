# Reproducer for torch.nn.FractionalMaxPool2d (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.FractionalMaxPool2d#64: boundary value kernel_size: every item -2147483649 (on accepted input torch.nn.FractionalMaxPool2d#17).
# Expected outcome: RuntimeError: w2 >= 0 && w2 < inputW INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/FractionalMaxPool2d.cpp":171, please report a bug to PyTorch.
# Run: python 33a33d575a.py
import torch
torch.manual_seed(856393827)
kernel_size_ = (-2147483649, -2147483649)
output_size_ = (3, 1)
forward_input_ = torch.full([1, 1, 1], 1.0).to(torch.float32)
module = torch.nn.FractionalMaxPool2d(kernel_size_, output_size_)
result = module(forward_input_)
