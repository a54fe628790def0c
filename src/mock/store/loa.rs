//! The Letter of Authorization: a small PDF generated anew on each call.

use serde_json::Value;

use super::super::envelope::{code, ApiFailure};
use super::fields::Outcome;
use super::*;

impl Store {
    /// `GET /interconnects/{name}/loa`: a small PDF, generated anew on each call.
    pub fn loa(&self, account: &str, name: &str, loa_name: Option<&str>) -> Outcome<Vec<u8>> {
        if loa_name.is_some_and(|n| n.chars().count() > 200) {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "name: at most 200 characters",
            ));
        }
        let seq = self.find(account, name)?;
        let record = &self.interconnects[&seq];
        let Kind::Direct { slot, speed } = &record.kind else {
            return Err(ApiFailure::bad_request(
                code::NOT_APPLICABLE,
                "an LOA exists only for direct interconnects",
            ));
        };
        let slot = &self.slots[*slot];
        let facility = slot
            .facility
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let lines = [
            "LETTER OF AUTHORIZATION".to_owned(),
            format!("Customer: {}", loa_name.unwrap_or(&record.account)),
            format!("Interconnect: {} ({speed})", record.name),
            format!(
                "Facility: {facility}, site {}, device {}",
                slot.site, slot.ccr_device_name
            ),
            format!(
                "Issued: {}",
                humantime::format_rfc3339_millis(std::time::SystemTime::now())
            ),
        ];
        Ok(minimal_pdf(&lines))
    }
}

/// A one-page PDF showing `lines`, with a correct cross-reference table.
fn minimal_pdf(lines: &[String]) -> Vec<u8> {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let mut text = String::from("BT /F1 12 Tf 72 720 Td 16 TL\n");
    for line in lines {
        text.push_str(&format!("({}) '\n", escape(line)));
    }
    text.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
