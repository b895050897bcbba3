# Reproducer for torch.nn.functional.max_pool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.max_pool1d#220: boundary value kernel_size: int:9223372036854775807; padding: int:1048576.
# Expected outcome: no result within the time limit (10.1941 s)
# Run: python 684b5fa5f4.py
import torch
torch.manual_seed(815733183)
input_ = torch.randn([4, 1, 4], dtype=torch.float32)
kernel_size_ = 9223372036854775807
stride_ = (2,)
padding_ = 1048576
dilation_ = 1
ceil_mode_ = True
result = torch.nn.functional.max_pool1d(input_, kernel_size_, stride_, padding_, dilation_, ceil_mode_)
