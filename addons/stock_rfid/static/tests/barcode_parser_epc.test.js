import { describe, expect, test } from "@odoo/hoot";
import { BarcodeParser } from "@barcodes/js/barcode_parser";
import { epcHexToTagUri } from "@stock_rfid/js/barcode_parser_epc";
import { EPC_VECTORS } from "./epc_vectors";

describe.current.tags("headless");

const parser = new BarcodeParser({
    nomenclature: { id: 1, name: "Default", upc_ean_conv: "always", rules: [] },
});

function parsed(barcode) {
    return parser.parse_barcode(barcode).map((result) => [result.type, result.value]);
}

test("stock_rfid: hexadecimal SGTIN-96 gives the product and serial", () => {
    expect(epcHexToTagUri("3074257BF7194E4000001A85")).toBe(
        "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
    );
    expect(parsed("3074257BF7194E4000001A85")).toEqual([
        ["product", "80614141123458"],
        ["lot", "6789"],
    ]);
});

test("stock_rfid: hexadecimal SSCC-96 and SGLN-96", () => {
    expect(parsed("3114257BF4499602D2000000")).toEqual([["package", "106141412345678908"]]);
    expect(parsed("3214257BF460720000000000")).toEqual([["location", "0614141123452"]]);
    expect(parsed("urn:epc:id:sgln:0614141.12345.0")).toEqual([
        ["location", "0614141123452"],
    ]);
});

test("stock_rfid: other barcodes are not EPCs", () => {
    expect(epcHexToTagUri("FF0000000000000000000000")).toBe(null);
    expect(epcHexToTagUri("614141123452")).toBe(null);
});

test("stock_rfid: every scheme decodes as the Python codec does", () => {
    expect(EPC_VECTORS.length).toBeGreaterThan(40);
    for (const vector of EPC_VECTORS) {
        expect(epcHexToTagUri(vector.hex)).toBe(vector.tag_uri, { message: vector.hex });
        expect(epcHexToTagUri(vector.hex.toLowerCase())).toBe(vector.tag_uri);
    }
});

test("stock_rfid: every EPC parses as on the server", () => {
    for (const vector of EPC_VECTORS.filter((vector) => vector.parsed)) {
        expect(parsed(vector.hex)).toEqual(vector.parsed, { message: vector.hex });
    }
});

test("stock_rfid: 7-bit serials, GRAI and GIAI", () => {
    // a serial holding the "." and ":" that separate the parts of a URI
    expect(parsed("362579D5D4ADB6172574B98B34C0000000000000000000000000")).toEqual([
        ["product", "85071219236581"],
        ["lot", ".%:.13&"],
    ]);
    expect(parsed("3774257BF40C0E59B2C2BF1000000000000000000000")).toEqual([]);
    expect(parsed("urn:epc:id:giai:0614141.5678")).toEqual([]);
    expect(parsed("urn:epc:tag:sgln-195:3.0614141.12345.32a%2Fb")).toEqual([
        ["location", "0614141123452"],
    ]);
});
