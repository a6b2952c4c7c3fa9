/** @odoo-module **/
import {registry} from "@web/core/registry";

/**
 * A salesperson quotes 12 units of a product with 20 in stock and a minimum
 * of 10: the line shows the forecast after confirmation and a warning, and
 * confirming asks first. Data: tests/test_tour.py.
 */
registry.category("web_tour.tours").add("sale_stock_threshold_line_warning", {
    url: "/odoo/action-sale.action_quotations_with_onboarding/new",
    steps: () => [
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            trigger: "ul.ui-autocomplete > li > a:contains('Tour Customer')",
            run: "click",
        },
        {
            trigger: "a:contains('Add a product')",
            run: "click",
        },
        {
            trigger: "div[name=product_template_id] input",
            run: "edit Tour Gadget",
        },
        {
            trigger: "ul.ui-autocomplete a:contains('Tour Gadget')",
            run: "click",
        },
        {
            trigger: ".o_selected_row div[name=product_uom_qty] input",
            run: "edit 12 && press Tab",
        },
        {
            content: "The salesperson is warned at once",
            trigger: ".o_notification:contains('Stock warning for Tour Gadget')",
        },
        {
            content: "Leave the line",
            trigger: "a[name=order_lines]",
            run: "click",
        },
        {
            trigger: "th[data-name=threshold_projected_qty]",
        },
        {
            content: "The forecast after confirmation: 20 - 12",
            trigger: ".o_data_row td[name=threshold_projected_qty]:contains('8.00')",
        },
        {
            trigger: ".o_data_row td[name=threshold_warning]:contains('Below minimum')",
        },
        {
            trigger: "button[name=action_confirm]:enabled",
            run: "click",
        },
        {
            content: "Confirming lists the line that breaches the minimum",
            trigger: ".modal .o_data_row:contains('Tour Gadget'):contains('Below minimum')",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                ".o_field_widget[name=state] .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
