# Reproducer for torch.nn.Transformer (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.Transformer#16: boundary value num_encoder_layers: int:4611686018427387904.
# Expected outcome: no result within the time limit (10.7903 s)
# Run: python 679d1993f7.py
import torch
torch.manual_seed(376575783)
num_encoder_layers_ = 4611686018427387904
num_decoder_layers_ = 2
dim_feedforward_ = 2048
dropout_ = 0.37
layer_norm_eps_ = 1e-05
batch_first_ = False
device_ = 'cpu'
forward_input_ = torch.randn([3, 1, 4], dtype=torch.float32)
module = torch.nn.Transformer(num_encoder_layers=num_encoder_layers_, num_decoder_layers=num_decoder_layers_, dim_feedforward=dim_feedforward_, dropout=dropout_, layer_norm_eps=layer_norm_eps_, batch_first=batch_first_, device=device_)
result = module(forward_input_)
