{
    "name": "Sale Stock Thresholds",
    "summary": "Stock positions and threshold warnings on quotation lines, "
    "checked confirmation and salespeople told of shortage alerts",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/ims-community/inventory-management-suite",
    "author": "IMS Community",
    "maintainers": ["ims-community"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["sale_stock", "stock_threshold"],
    "data": [
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/sale_threshold_confirm_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sale_stock_threshold/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
