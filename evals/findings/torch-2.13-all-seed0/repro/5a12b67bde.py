# Reproducer for torch.conv_transpose3d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.conv_transpose3d#61: boundary value stride: seq item 1048576.
# Expected outcome: no result within the time limit (10.1295 s)
# Run: python 5a12b67bde.py
import torch
torch.manual_seed(488631338)
input_ = torch.randn([1, 4, 3, 1, 1], dtype=torch.float32)
weight_ = torch.randn([4, 1, 3, 4, 4], dtype=torch.float32)
stride_ = [1048576, 1, 3]
dilation_ = 1
result = torch.conv_transpose3d(input_, weight_, stride=stride_, dilation=dilation_)
