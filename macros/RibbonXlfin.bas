Attribute VB_Name = "RibbonXlfin"
Option Explicit

' Ribbon callback of every button of the xlfin tab: the action is the button tag.
Sub OnAction(control As IRibbonControl)
    XlfinRun control.Tag
End Sub

' String-only entry point: callable from a macro, a form button or a test without a ribbon.
Sub XlfinRun(action As String)
    RunPython "import xlfin.excel as e; e.run('" & action & "')"
End Sub
