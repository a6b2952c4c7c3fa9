{
    "name": "Stock Thresholds",
    "summary": "Live stock positions per warehouse and location, "
    "multi-location min / safety / max threshold rules and stock statuses",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/ims-community/inventory-management-suite",
    "author": "IMS Community",
    "maintainers": ["ims-community"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["stock", "mail"],
    "data": [
        "security/stock_threshold_groups.xml",
        "security/ir.model.access.csv",
        "security/stock_threshold_security.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type_data.xml",
        "views/stock_threshold_rule_views.xml",
        "views/stock_threshold_status_views.xml",
        "views/stock_threshold_alert_views.xml",
        "wizards/stock_threshold_alert_snooze_views.xml",
        "views/product_template_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_config_settings_views.xml",
        "views/stock_threshold_menus.xml",
    ],
    "demo": ["demo/stock_threshold_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "stock_threshold/static/src/js/stock_alert_notification_service.js",
        ],
        "web.assets_tests": [
            "stock_threshold/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
