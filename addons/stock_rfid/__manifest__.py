{
    "name": "Stock RFID",
    "summary": "Decode and encode GS1 EPC RFID tags (SGTIN, SSCC, SGLN, GRAI, GIAI): "
    "URIs, GS1 element strings and Digital Links",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/ims-community/inventory-management-suite",
    "author": "IMS Community",
    "maintainers": ["ims-community"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["stock", "barcodes"],
    "data": [],
    "installable": True,
}
