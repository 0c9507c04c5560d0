"""Model construction (D2L "Layers and Modules"): nn.Module subclasses, Sequential, custom forward,
nesting, containers."""

ORDER = ("mlp", "my_sequential", "fixed_hidden_mlp", "nest_mlp", "parallel", "stack", "containers")
