"""Native, editable pie charts in a Word document.

python-docx has no charts; python-pptx writes the DrawingML chart part (``c:chartSpace``) that
Word, WPS and LibreOffice share, and the embedded workbook that Word's 编辑数据 opens. This
module puts that part into the .docx and anchors it inline in a paragraph. The slices' values
are those of the tables; the labels show each slice's share with two decimals (the reader
computes it from the values, as the text does).
"""

from __future__ import annotations

from lxml import etree

from xlfin.publication import ChartData

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHART_FONT = "宋体"


def _chart_space(chart: ChartData):
    """The c:chartSpace element of *chart* (python-pptx's writer and chart object model)."""
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    data = CategoryChartData(number_format="#,##0.00")
    data.categories = chart.labels
    data.add_series(chart.title, chart.values)  # Decimals, written as their text
    space = parse_xml(ChartXmlWriter(XL_CHART_TYPE.PIE, data).xml.encode("utf-8"))
    ch = Chart(space, None)
    ch.has_title = True
    ch.chart_title.text_frame.text = chart.title
    ch.has_legend = True
    ch.legend.position = XL_LEGEND_POSITION.RIGHT
    ch.legend.include_in_layout = False
    ch.font.size = Pt(10.5)
    plot = ch.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_percentage = True
    labels.show_value = False
    labels.show_category_name = False
    labels.number_format = "0.00%"
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.BEST_FIT
    labels.font.size = Pt(10.5)
    for rpr in space.iter(f"{{{A_NS}}}defRPr", f"{{{A_NS}}}rPr"):  # Chinese text: a CJK font
        for tag in ("latin", "ea"):
            el = rpr.find(f"{{{A_NS}}}{tag}")
            if el is None:
                el = etree.SubElement(rpr, f"{{{A_NS}}}{tag}")
            el.set("typeface", CHART_FONT)
    return space, data.xlsx_blob


def add_pie_chart(doc, run, chart: ChartData, width, height, shape_id: int) -> None:
    """Draw *chart* inline in *run* of *doc* (a python-docx Document), *width* × *height* EMU."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    package = doc.part.package
    n = sum(1 for p in package.iter_parts() if p.content_type == CHART_CT) + 1
    space, xlsx = _chart_space(chart)
    chart_part = Part(PackURI(f"/word/charts/chart{n}.xml"), CHART_CT, b"", package)
    book = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx"), XLSX_CT, xlsx, package
    )
    rid_book = chart_part.relate_to(book, RT_PACKAGE)
    external = etree.SubElement(space, f"{{{C_NS}}}externalData")  # last child, as the schema says
    external.set(f"{{{R_NS}}}id", rid_book)
    etree.SubElement(external, f"{{{C_NS}}}autoUpdate").set("val", "0")
    chart_part._blob = etree.tostring(
        space, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    rid = doc.part.relate_to(chart_part, RT_CHART)
    drawing = parse_xml(
        f'<w:drawing xmlns:w="{W_NS}"><wp:inline distT="0" distB="0" distL="0" distR="0" '
        f'xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}" xmlns:r="{R_NS}">'
        f'<wp:extent cx="{int(width)}" cy="{int(height)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="{chart.id}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{C_NS}"><c:chart r:id="{rid}"/></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing>"
    )
    run._r.append(drawing)
