# Reproducer for torch.nn.functional.max_pool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.max_pool1d#3: boundary value kernel_size: item 4611686018427387904; input: zero_stride.
# Expected outcome: no result within the time limit (10.1045 s)
# Run: python 684b5fa5f4.py
import torch
torch.manual_seed(510448764)
input_ = torch.randn([3, 2, 1], dtype=torch.float32).expand([3, 2, 2])
kernel_size_ = [4611686018427387904]
dilation_ = 2
ceil_mode_ = True
result = torch.nn.functional.max_pool1d(input_, kernel_size_, dilation=dilation_, ceil_mode=ceil_mode_)
