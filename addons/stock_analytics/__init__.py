from . import lib, models, report, wizards
