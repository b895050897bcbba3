# Reproducer for torch.nn.functional.fractional_max_pool3d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.fractional_max_pool3d#206: boundary value kernel_size: int:-9223372036854775808 (on accepted input torch.nn.functional.fractional_max_pool3d#1).
# Expected outcome: no result within the time limit (10.0455 s)
# Run: python 02581fa5c0.py
import torch
torch.manual_seed(1013116576)
input_ = torch.randn([4, 3, 4, 4], dtype=torch.float64)
kernel_size_ = -9223372036854775808
output_size_ = 2
result = torch.nn.functional.fractional_max_pool3d(input_, kernel_size_, output_size_)
