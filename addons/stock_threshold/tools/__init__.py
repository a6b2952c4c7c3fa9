from . import sql_array, status
