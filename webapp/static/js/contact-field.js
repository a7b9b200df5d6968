// "Số điện thoại hoặc email": most people type a phone number, so the phone keypad opens
// first; one tap switches to the letter keyboard for an email. Without this script the field
// is a plain text box that takes either.
const TO_EMAIL = "Dùng email";
const TO_PHONE = "Dùng số điện thoại";

for (const input of document.querySelectorAll("input[data-contact-field]")) {
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "link-button contact-toggle";
  const show = (mode) => {
    input.inputMode = mode;
    input.setAttribute("inputmode", mode);
    toggle.textContent = mode === "tel" ? TO_EMAIL : TO_PHONE;
  };
  toggle.addEventListener("click", () => {
    show(input.inputMode === "tel" ? "email" : "tel");
    input.focus();
  });
  show(input.value.includes("@") ? "email" : "tel");
  input.after(toggle);
}
