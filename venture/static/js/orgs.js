// Organizations: small progressive enhancements. The forms work without this file.
(function () {
  "use strict";

  // A social worker without a qualification has no certificate number: disable the field.
  var qualification = document.querySelector("select[name=qualification]");
  var certificate = document.querySelector("input[name=certificate_no]");
  if (qualification && certificate) {
    var sync = function () {
      var none = qualification.value === "none";
      certificate.disabled = none;
      if (none) { certificate.value = ""; }
    };
    qualification.addEventListener("change", sync);
    sync();
  }
})();
