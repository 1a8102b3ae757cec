'use strict';
// Demo shop page behaviour: quantity stepper and a pretend cart.
(function () {
  const form = document.getElementById('buy-form');
  if (!form) return;
  const qty = document.getElementById('qty');
  const toast = document.getElementById('toast');
  const cart = document.getElementById('cart-count');
  let inCart = 0;
  let hideTimer = 0;

  form.addEventListener('click', (e) => {
    const step = e.target.closest('button.step');
    if (!step) return;
    const n = Math.min(99, Math.max(1, (parseInt(qty.value, 10) || 1) + Number(step.dataset.step)));
    qty.value = String(n);
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Math.min(99, Math.max(1, parseInt(qty.value, 10) || 1));
    const size = form.querySelector('input[name="size"]:checked').value;
    inCart += n;
    cart.textContent = `购物车 Cart · ${inCart}`;
    toast.textContent = `已加入购物车：${size} g × ${n}  Added to cart: ${size} g × ${n}`;
    toast.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      toast.hidden = true;
    }, 2500);
  });
})();
