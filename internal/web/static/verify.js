// The public /verify page: say that work is under way while the file
// uploads and its signatures are checked (revocation services can be slow).
document.getElementById("verify-form").addEventListener("submit", function () {
  document.getElementById("verify-progress").hidden = false;
});
