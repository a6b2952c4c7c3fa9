{
    "name": "Point of Sale Stock Thresholds",
    "summary": "The Point of Sale settles quotations whatever the stock "
    "thresholds: the goods leave at the counter",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/ims-community/inventory-management-suite",
    "author": "IMS Community",
    "maintainers": ["ims-community"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pos_sale", "sale_stock_threshold"],
    "auto_install": True,
    "installable": True,
}
