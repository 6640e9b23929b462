import { expect, test } from '@playwright/test';
test('shots', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await page.waitForTimeout(500);
  for (const [w, h] of [[1024, 768], [1100, 800], [1280, 720], [1440, 900], [1920, 1080], [500, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(600);
    const c = await page.evaluate(() => { const c = document.querySelector('[data-testid=ion-viewer] .stage canvas') as HTMLCanvasElement; return `${c.clientWidth}x${c.clientHeight} buf ${c.width}x${c.height}`; });
    console.log(w, h, c);
    await page.screenshot({ path: `/tmp/h-shots/${process.env.TAG ?? 'x'}-${w}x${h}.png` });
  }
});
