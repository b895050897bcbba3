# Reproducer for torch.nn.TransformerEncoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerEncoder#6: boundary value forward_input: meta_device; num_layers: int:4294967296.
# Expected outcome: no result within the time limit (10.208 s)
# Run: python 16c6933baf.py
import torch
torch.manual_seed(46425869)
encoder_layer_ = torch.randn([4], dtype=torch.float32)
num_layers_ = 4294967296
enable_nested_tensor_ = True
mask_check_ = False
forward_input_ = torch.empty([4], dtype=torch.float32, device='meta')
module = torch.nn.TransformerEncoder(encoder_layer_, num_layers_, enable_nested_tensor=enable_nested_tensor_, mask_check=mask_check_)
result = module(forward_input_)
