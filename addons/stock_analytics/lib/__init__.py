from . import classification, forecast
