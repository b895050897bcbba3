# Reproducer for torch.nn.Transformer (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.Transformer#21: boundary value layer_norm_eps: float:1e308.
# Expected outcome: no result within the time limit (10.5839 s)
# Run: python 679d1993f7.py
import torch
torch.manual_seed(2073368237)
num_decoder_layers_ = 4
dropout_ = 0.1
layer_norm_eps_ = 1e+308
batch_first_ = False
norm_first_ = True
forward_input_ = torch.randn([2, 1, 1], dtype=torch.float32)
module = torch.nn.Transformer(num_decoder_layers=num_decoder_layers_, dropout=dropout_, layer_norm_eps=layer_norm_eps_, batch_first=batch_first_, norm_first=norm_first_)
result = module(forward_input_)
