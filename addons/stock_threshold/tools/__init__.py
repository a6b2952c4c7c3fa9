from . import status
