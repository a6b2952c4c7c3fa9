from . import controllers, lib, models, wizards
