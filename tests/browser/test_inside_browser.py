"""The Embedding Neighbors, Layer Representations and Attention tabs in a real browser: each chart renders."""

from __future__ import annotations


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def test_neighbors_bar_and_pca_scatter_render(page):
    _open_tab(page, "Embedding Neighbors")
    page.get_by_role("button", name="Find neighbours").click()
    bar = page.locator("#neighbors-bar .js-plotly-plot")
    bar.wait_for()
    assert bar.locator(".barlayer").count() >= 1
    scatter = page.locator("#neighbors-scatter .js-plotly-plot")
    scatter.wait_for()
    assert scatter.locator(".scatterlayer").count() >= 1
    page.get_by_text("apples").first.wait_for()


def test_layer_charts_and_logit_lens_render(page):
    _open_tab(page, "Layer Representations")
    page.get_by_role("button", name="Show the layers").click()
    for elem in ("layers-norms", "layers-lines", "layers-cosine", "layers-lens", "layers-rank"):
        page.locator(f"#{elem} .js-plotly-plot").wait_for()
    assert page.locator("#layers-lens .js-plotly-plot .heatmaplayer, #layers-lens .js-plotly-plot .hm").count() >= 1
    page.get_by_text("embedding output").first.wait_for()


def test_attention_heatmaps_render_and_bad_input_shows_a_message(page):
    _open_tab(page, "Attention")
    page.get_by_role("button", name="Show attention").click()
    for elem in ("attention-selected", "attention-heads", "attention-sink"):
        page.locator(f"#{elem} .js-plotly-plot").wait_for()
    page.get_by_text("grouped-query attention").first.wait_for()
    layer = page.get_by_label("Layer (0 = first; -1 = last)")
    layer.fill("99")
    page.get_by_role("button", name="Show attention").click()
    page.get_by_text("Layer 99 does not exist").first.wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_labels_follow_the_language_switch(page):
    page.get_by_label("繁體中文").check()
    page.get_by_role("tab", name="嵌入鄰居").click()
    page.get_by_role("button", name="找鄰居").wait_for()
    page.get_by_label("简体中文").check()
    page.get_by_role("tab", name="各层表示").click()
    page.get_by_role("button", name="显示各层").wait_for()
