# Reproducer for torch.nn.functional.fractional_max_pool2d_with_indices (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool2d_with_indices#51: violates the documented range of `kernel_size` (all other constraints kept).
# Expected outcome: no result within the time limit (10.1816 s)
# Run: python c98dca6c35.py
import torch
torch.manual_seed(274162721)
input_ = torch.randn([3, 1, 3], dtype=torch.float32)
kernel_size_ = -2147483648
output_size_ = 3
return_indices_ = True
result = torch.nn.functional.fractional_max_pool2d_with_indices(input_, kernel_size_, output_size_, return_indices=return_indices_)
