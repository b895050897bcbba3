# Reproducer for torch.nn.functional.fractional_max_pool3d_with_indices (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool3d_with_indices#123: boundary value kernel_size: int:-9223372036854775807 (on accepted input torch.nn.functional.fractional_max_pool3d_with_indices#9).
# Expected outcome: no result within the time limit (10.0143 s)
# Run: python e1677e0b90.py
import torch
torch.manual_seed(1085044352)
input_ = torch.randn([3, 3, 1, 4, 4], dtype=torch.float64)
kernel_size_ = -9223372036854775807
output_size_ = [3, 3, 2]
return_indices_ = False
result = torch.nn.functional.fractional_max_pool3d_with_indices(input_, kernel_size_, output_size_, return_indices=return_indices_)
