from . import sale_threshold_confirm
