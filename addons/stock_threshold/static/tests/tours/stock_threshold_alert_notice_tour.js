/** @odoo-module **/
import {registry} from "@web/core/registry";

/**
 * The responsible of a stock alert sees its live notice in the web client
 * and opens the alert from it. Data: tests/test_alert_tour.py (an alert on
 * "Notice Widget" sent on the bus to the admin).
 */
registry.category("web_tour.tours").add("stock_threshold_alert_notice", {
    url: "/odoo",
    steps: () => [
        {
            content: "The live notice of the alert is shown",
            trigger: ".o_notification:contains('Notice Widget'):contains('Stock alert')",
        },
        {
            trigger:
                ".o_notification:contains('Notice Widget') .o_notification_buttons button:contains('Open alert')",
            run: "click",
        },
        {
            content: "The notice opens the alert",
            trigger:
                ".o_form_view .o_field_widget[name=product_id]:contains('Notice Widget')",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
    ],
});
