from . import suggestion
