from . import lib
