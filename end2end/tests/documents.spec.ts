// Documents in a real browser, with JavaScript off and on: folders, uploads with progress,
// previews, versions, downloads, the trash and restoring from it.
import { expect, test } from "@playwright/test";

import { hasJavaScript, isAppError, open } from "./support";

const PASSWORD = "correct horse battery";
/** A real 40×30 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAI0ElEQVR4nA3Noc6CUACAUZIjGJiJ5AgGZiI5goGZbnIEAzORHMHATDcxgoGZbnIEwzcTyREMzERyBAMzkRzBwHyK/z8vcDRNY6Qx1phomBpTjZnGXMPRWGgsNVYaQmOtsdHYaoQaO429xkFDaiQaR42ThtI4a1w0rhqFxk3jrvHQqDWeGi+Nt0an8dH4avw0NE1npDPWmeiYOlOdmc5cx9FZ6Cx1VjpCZ62z0dnqhDo7nb3OQUfqJDpHnZOO0jnrXHSuOoXOTeeu89CpdZ46L523Tqfz0fnq/PT/2GBkMDaYGJgGU4OZwdzAMVgYLA1WBsJgbbAx2BqEBjuDvcHBQBokBkeDk4EyOBtcDK4GhcHN4G7wMKgNngYvg7dBZ/Ax+Br8jP/YZGQyNpmYmCZTk5nJ3MQxWZgsTVYmwmRtsjHZmoQmO5O9ycFEmiQmR5OTiTI5m1xMriaFyc3kbvIwqU2eJi+Tt0ln8jH5mvzM/9hiZDG2mFiYFlOLmcXcwrFYWCwtVhbCYm2xsdhahBY7i73FwUJaJBZHi5OFsjhbXCyuFoXFzeJu8bCoLZ4WL4u3RWfxsfha/Kz/2GZkM7aZ2Jg2U5uZzdzGsVnYLG1WNsJmbbOx2dqENjubvc3BRtokNkebk42yOdtcbK42hc3N5m7zsKltnjYvm7dNZ/Ox+dr87P/YYeQwdpg4mA5Th5nD3MFxWDgsHVYOwmHtsHHYOoQOO4e9w8FBOiQOR4eTg3I4O1wcrg6Fw83h7vBwqB2eDi+Ht0Pn8HH4Ovyc/9hl5DJ2mbiYLlOXmcvcxXFZuCxdVi7CZe2ycdm6hC47l73LwUW6JC5Hl5OLcjm7XFyuLoXLzeXu8nCpXZ4uL5e3S+fycfm6/Nz/2GPkMfaYeJgeU4+Zx9zD8Vh4LD1WHsJj7bHx2HqEHjuPvcfBQ3okHkePk4fyOHtcPK4ehcfN4+7x8Kg9nh4vj7dH5/Hx+Hr8vP9YMBKMBROBKZgKZoK5wBEsBEvBSiAEa8FGsBWEgp1gLzgIpCARHAUngRKcBRfBVVAIboK74CGoBU/BS/AWdIKP4Cv4if/YZ+Qz9pn4mD5Tn5nP3MfxWfgsfVY+wmfts/HZ+oQ+O5+9z8FH+iQ+R5+Tj/I5+1x8rj6Fz83n7vPwqX2ePi+ft0/n8/H5+vz8/zhgFDAOmASYAdOAWcA8wAlYBCwDVgEiYB2wCdgGhAG7gH3AIUAGJAHHgFOACjgHXAKuAUXALeAe8AioA54Br4B3QBfwCfgG/IL/OGQUMg6ZhJgh05BZyDzECVmELENWISJkHbIJ2YaEIbuQfcghRIYkIceQU4gKOYdcQq4hRcgt5B7yCKlDniGvkHdIF/IJ+Yb8wv84YhQxjphEmBHTiFnEPMKJWEQsI1YRImIdsYnYRoQRu4h9xCFCRiQRx4hThIo4R1wirhFFxC3iHvGIqCOeEa+Id0QX8Yn4Rvyi/zhmFDOOmcSYMdOYWcw8xolZxCxjVjEiZh2zidnGhDG7mH3MIUbGJDHHmFOMijnHXGKuMUXMLeYe84ipY54xr5h3TBfzifnG/OL/WDKSjCUTiSmZSmaSucSRLCRLyUoiJGvJRrKVhJKdZC85SKQkkRwlJ4mSnCUXyVVSSG6Su+QhqSVPyUvylnSSj+Qr+cn/OGWUMk6ZpJgp05RZyjzFSVmkLFNWKSJlnbJJ2aaEKbuUfcohRaYkKceUU4pKOadcUq4pRcot5Z7ySKlTnimvlHdKl/JJ+ab80v84Y5QxzphkmBnTjFnGPMPJWGQsM1YZImOdscnYZoQZu4x9xiFDZiQZx4xThso4Z1wyrhlFxi3jnvHIqDOeGa+Md0aX8cn4Zvyy/1gxUowVE4WpmCpmirnCUSwUS8VKIRRrxUaxVYSKnWKvOCikIlEcFSeFUpwVF8VVUShuirvioagVT8VL8VZ0io/iq/ip/zhnlDPOmeSYOdOcWc48x8lZ5CxzVjkiZ52zydnmhDm7nH3OIUfmJDnHnFOOyjnnXHKuOUXOLeee88ipc545r5x3Tpfzyfnm/PL/GEYwhgmYMIUZzMGBBSxhBQLWsIEthLCDPRxAQgJHOIGCM1zgCgXc4A4PqOEJL3hDBx/4wo//uGBUMC6YFJgF04JZwbzAKVgULAtWBaJgXbAp2BaEBbuCfcGhQBYkBceCU4EqOBdcCq4FRcGt4F7wKKgLngWvgndBV/Ap+Bb8iv+4ZFQyLpmUmCXTklnJvMQpWZQsS1YlomRdsinZloQlu5J9yaFEliQlx5JTiSo5l1xKriVFya3kXvIoqUueJa+Sd0lX8in5lvzK/7hiVDGumFSYFdOKWcW8wqlYVCwrVhWiYl2xqdhWhBW7in3FoUJWJBXHilOFqjhXXCquFUXFreJe8aioK54Vr4p3RVfxqfhW/Kr/uGZUM66Z1Jg105pZzbzGqVnULGtWNaJmXbOp2daENbuafc2hRtYkNceaU42qOddcaq41Rc2t5l7zqKlrnjWvmndNV/Op+db86v+4YdQwbpg0mA3ThlnDvMFpWDQsG1YNomHdsGnYNoQNu4Z9w6FBNiQNx4ZTg2o4N1warg1Fw63h3vBoqBueDa+Gd0PX8Gn4Nvya/7hl1DJumbSYLdOWWcu8xWlZtCxbVi2iZd2yadm2hC27ln3LoUW2JC3HllOLajm3XFquLUXLreXe8mipW54tr5Z3S9fyafm2/Nr/uGPUMe6YdJgd045Zx7zD6Vh0LDtWHaJj3bHp2HaEHbuOfcehQ3YkHceOU4fqOHdcOq4dRcet497x6Kg7nh2vjndH1/Hp+Hb8uv+4Z9Qz7pn0mD3TnlnPvMfpWfQse1Y9omfds+nZ9oQ9u559z6FH9iQ9x55Tj+o591x6rj1Fz63n3vPoqXuePa+ed0/X8+n59vz6/3hgNDAemAyYA9OB2cB8wBlYDCwHVgNiYD2wGdgOhAO7gf3AYUAOJAPHgdOAGjgPXAauA8XAbeA+8BioB54Dr4H3QDfwGfgO/Ab+APqMMprgDMaRAAAAAElFTkSuQmCC", "base64");

test.describe("documents", () => {
  test("a folder is made, files uploaded with previews and versions, then trashed and restored", async ({ page }, testInfo) => {
    // Many steps, and a preview made in the background on a loaded machine: more than the
    // default 30 s (a clean-clone run used 30.8 s).
    test.setTimeout(90_000);
    const javaScript = hasJavaScript(testInfo.project.name);
    const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e9)}-${testInfo.project.name}`;
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if ((message.type() === "error" || message.type() === "warning") && isAppError(message.text())) {
        consoleErrors.push(message.text());
      }
    });

    await open(page, "/sign-up", javaScript);
    await page.getByLabel("Organization name").fill("Northwind Studio");
    await page.getByLabel("Your name").fill("Nora Lindqvist");
    await page.getByLabel("Email", { exact: true }).fill(`nora-${stamp}@e2e.example`);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.locator('[data-test="greeting"]')).toBeVisible();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
    await expect(page.getByRole("heading", { name: "Documents", level: 1 })).toBeVisible();
    await expect(page.locator('[data-test="folder-empty"]')).toBeVisible();

    // A folder, then into it.
    await page.getByLabel("Name", { exact: true }).fill("Proofs");
    await page.getByRole("button", { name: "Create folder" }).click();
    const rows = page.locator('[data-test="item-row"]');
    await expect(rows.filter({ hasText: "Proofs" })).toBeVisible();
    await rows.filter({ hasText: "Proofs" }).getByRole("link", { name: "Proofs" }).click();
    await expect(page.getByRole("heading", { name: "Proofs", level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Folders above" }).getByRole("link", { name: "Documents" })).toBeVisible();

    // Two files at once; with JavaScript each shows its progress and the list updates in place.
    await page.getByLabel("Upload files").setInputFiles([
      { name: "logo.png", mimeType: "application/octet-stream", buffer: PNG },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Spring campaign notes") },
    ]);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    if (javaScript) {
      await expect(page.locator('[data-test="upload-state"]')).toHaveText(["Uploaded", "Uploaded"]);
    }
    await expect(rows.filter({ hasText: "logo.png" })).toBeVisible();
    await expect(rows.filter({ hasText: "notes.txt" })).toBeVisible();

    // The image's page: its preview (made in the background), then a new version.
    await rows.filter({ hasText: "logo.png" }).getByRole("link", { name: "logo.png" }).click();
    await expect(page.getByRole("heading", { name: "logo.png", level: 1 })).toBeVisible();
    await expect(page.locator('[data-test="file-facts"]')).toContainText("image/png");
    await expect(page.locator('[data-test="preview-ready"] img')).toBeVisible({ timeout: 20_000 });
    await page.getByLabel("Upload a new version").setInputFiles({ name: "logo-v2.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("button", { name: "Upload new version" }).click();
    await expect(page.locator('[data-test="version-row"]')).toHaveCount(2);

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download version 1" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("logo.png");

    // To the trash and back.
    await page.getByRole("navigation", { name: "Folders above" }).getByRole("link", { name: "Proofs" }).click();
    const notes = rows.filter({ hasText: "notes.txt" });
    await notes.locator("summary").click();
    await notes.getByRole("button", { name: "Move notes.txt to the trash" }).click();
    await expect(rows.filter({ hasText: "notes.txt" })).toHaveCount(0);
    await page.getByRole("link", { name: "Trash" }).click();
    const trashed = page.locator('[data-test="trash-row"]').filter({ hasText: "notes.txt" });
    await expect(trashed).toContainText("30 days");
    await trashed.getByRole("button", { name: "Restore notes.txt" }).click();
    await expect(page.locator('[data-test="trash-empty"]')).toBeVisible();

    if (javaScript) {
      // The file page was left while its new version's preview was being made: its polling
      // stopped with it, and nothing brings the reader back there (a refresh <meta> would).
      await page.waitForTimeout(3_500);
      await expect(page).toHaveURL(/\/documents\/trash$/);
      expect(consoleErrors).toEqual([]);
    }
  });
});
