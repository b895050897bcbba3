# Reproducer for torch.nn.functional.fractional_max_pool3d_with_indices (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool3d_with_indices#0: boundary value kernel_size: int:-9223372036854775807; input: nan; return_indices: None.
# Expected outcome: no result within the time limit (10.2978 s)
# Run: python e1677e0b90.py
import torch
torch.manual_seed(319098088)
input_ = torch.full([3, 3, 3, 1], float('nan')).to(torch.float32)
kernel_size_ = -9223372036854775807
output_size_ = [3, 3, 3]
return_indices_ = None
result = torch.nn.functional.fractional_max_pool3d_with_indices(input_, kernel_size_, output_size_, return_indices=return_indices_)
