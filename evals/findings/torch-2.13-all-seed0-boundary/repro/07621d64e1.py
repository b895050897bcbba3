# Reproducer for torch.nn.functional.lp_pool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.lp_pool1d#70: boundary value norm_type: float:inf; kernel_size: int:2147483647.
# Expected outcome: no result within the time limit (10.134 s)
# Run: python 07621d64e1.py
import torch
torch.manual_seed(154810864)
input_ = torch.randn([2, 1], dtype=torch.float64)
norm_type_ = float('inf')
kernel_size_ = 2147483647
ceil_mode_ = True
result = torch.nn.functional.lp_pool1d(input_, norm_type_, kernel_size_, ceil_mode=ceil_mode_)
