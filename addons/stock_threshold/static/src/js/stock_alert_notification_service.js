/** @odoo-module */

import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";

/**
 * Live stock alerts: the server sends "stock_threshold_alert" notices on the
 * bus to the responsible user; each one shows a notification with a button
 * that opens the alert.
 */
export const stockAlertNotificationService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, { bus_service, notification, action }) {
        bus_service.subscribe("stock_threshold_alert", (notices) => {
            for (const notice of notices) {
                const close = notification.add(notice.message, {
                    title: notice.title,
                    type: ["critical", "high"].includes(notice.severity)
                        ? "danger"
                        : "warning",
                    sticky: notice.severity === "critical",
                    buttons: [
                        {
                            name: _t("Open alert"),
                            primary: true,
                            onClick: () => {
                                close();
                                action.doAction({
                                    type: "ir.actions.act_window",
                                    res_model: "stock.threshold.alert",
                                    res_id: notice.id,
                                    views: [[false, "form"]],
                                });
                            },
                        },
                    ],
                });
            }
        });
        bus_service.start();
    },
};

registry.category("services").add("stock_threshold_alert", stockAlertNotificationService);
