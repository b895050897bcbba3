# Reproducer for torch.nn.ReplicationPad2d (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.ReplicationPad2d#41: boundary value padding: int:9223372036854775807 (on accepted input torch.nn.ReplicationPad2d#8).
# Expected outcome: killed by SIGSEGV
# Run: python 06c19fe3bf.py
import torch
torch.manual_seed(676333845)
padding_ = 9223372036854775807
forward_input_ = torch.full([1, 3, 3], 1.0).to(torch.float32)
module = torch.nn.ReplicationPad2d(padding_)
result = module(forward_input_)
