// Runs before the first paint (a blocking script in <head>): applies the theme the person chose
// (stored by the who-am-I menu), so a dark-theme user never sees a white flash. With no stored
// choice the CSS follows prefers-color-scheme by itself.
var productosTheme = null;
try {
  productosTheme = localStorage.getItem('productos.theme');
} catch (_) {
  // Storage can be blocked (private modes); the system preference then applies.
}
if (productosTheme === 'light' || productosTheme === 'dark') {
  document.documentElement.setAttribute('data-theme', productosTheme);
}
