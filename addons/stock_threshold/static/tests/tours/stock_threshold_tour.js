/** @odoo-module **/
import {registry} from "@web/core/registry";

/**
 * A manager sets a minimum for a product in a warehouse, sees the status the
 * rule governs (list and kanban), then acknowledges the alert it raised.
 * Data: tests/test_tour.py (a product with 3 units in the "Tour WH").
 */
registry.category("web_tour.tours").add("stock_threshold_rule_to_alert", {
    url: "/odoo/action-stock_threshold.stock_threshold_rule_action/new",
    steps: () => [
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour minimum",
        },
        {
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit Tour Widget",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour Widget')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=warehouse_id] input",
            run: "edit Tour WH",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour WH')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=min_value] input",
            run: "edit 10",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saving evaluates the rule: one status needs attention",
            trigger: "button[name=action_view_statuses] .o_stat_value:contains(1)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Below minimum')",
        },
        {
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Widget')",
        },
        {
            trigger: "button[data-menu-xmlid='stock.menu_stock_inventory_control']",
            run: "click",
        },
        {
            trigger: "a[data-menu-xmlid='stock_threshold.stock_threshold_alert_menu']",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_data_cell:contains('Tour Widget')",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_acknowledge]",
            run: "click",
        },
        {
            content: "The alert is acknowledged",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Acknowledged')",
        },
    ],
});
