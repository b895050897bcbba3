# Reproducer for torch.nn.TransformerEncoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerEncoder#49: boundary value num_layers: int:2147483648.
# Expected outcome: no result within the time limit (10.0249 s)
# Run: python 16c6933baf.py
import torch
torch.manual_seed(2064774854)
encoder_layer_ = torch.randn([3, 4, 3], dtype=torch.float64)
num_layers_ = 2147483648
enable_nested_tensor_ = True
mask_check_ = False
forward_input_ = torch.randn([3, 4, 3], dtype=torch.float32)
module = torch.nn.TransformerEncoder(encoder_layer_, num_layers_, enable_nested_tensor=enable_nested_tensor_, mask_check=mask_check_)
result = module(forward_input_)
