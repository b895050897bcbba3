# Reproducer for torch.nn.functional.fractional_max_pool2d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool2d#3: violates the documented range of `kernel_size` (all other constraints kept).
# Expected outcome: no result within the time limit (10.2098 s)
# Run: python f98d5ad6e5.py
import torch
torch.manual_seed(1557111932)
input_ = torch.randn([4, 2, 3], dtype=torch.float32)
kernel_size_ = -2147483648
output_size_ = [3, 3]
return_indices_ = False
result = torch.nn.functional.fractional_max_pool2d(input_, kernel_size_, output_size_, return_indices=return_indices_)
