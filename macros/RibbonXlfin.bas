Attribute VB_Name = "RibbonXlfin"
Option Explicit

' This source stays ASCII (VBA stores it in the system code page): the Chinese messages are
' UTF-16 code units in hex, decoded by U(); Python strings use \u escapes.

' Open the workbook to work on first, then click the ribbon button.
Private Const MSG_NO_WORKBOOK As String = "8BF7514862535F00898159047406768451B37B975DE54F5C7C3FFF0C518D70B951FB529F80FD533A630994AE3002"
' The workbook is open in Protected View: click Enable Editing first.
Private Const MSG_PROTECTED_VIEW As String = "8FD94E2A5DE54F5C7C3F572853D74FDD62A4768489C656FE4E2D62535F0030028BF7514870B951FB9EC4827263D0793A680F4E2D7684201C542F75287F168F91201DFF0C518D70B951FB529F80FD533A630994AE3002"
' xlfin is not installed in the Python that xlfin.conf names: pip install xlfin, xlfin addin install.
Private Const PY_NOT_INSTALLED As String = "\u627e\u4e0d\u5230 xlfin\uff1a\u8bf7\u5728 xlfin.conf \u6307\u5b9a\u7684 Python \u4e2d\u8fd0\u884c pip install xlfin\uff0c\u518d\u8fd0\u884c xlfin addin install\u3002"

' Ribbon callback of every button of the xlfin tab: the action is the button tag.
Public Sub OnAction(control As IRibbonControl)
    XlfinRun control.Tag
End Sub

' String-only entry point: callable from a macro, a form button or a test without a ribbon.
' The Python side shows its own messages; when xlfin is not installed in the configured
' Python, the command says so instead of an English traceback.
Public Sub XlfinRun(action As String)
    If Not WorkbookReady() Then Exit Sub
    RunPython "import importlib.util as u, xlwings as w; " & _
        "__import__('xlfin.excel').excel.run('" & action & "') if u.find_spec('xlfin') " & _
        "else w.Book.caller().app.alert('" & PY_NOT_INSTALLED & "', 'xlfin')"
End Sub

' False, after telling the accountant why, when there is no workbook to work on: none is open,
' or the active one is in Protected View (ActiveWorkbook is Nothing in both cases, and
' RunPython would stop with run-time error 91).
Private Function WorkbookReady() As Boolean
    If Not ActiveWorkbook Is Nothing Then
        WorkbookReady = True
        Exit Function
    End If
    WorkbookReady = False
#If Mac Then
    MsgBox U(MSG_NO_WORKBOOK), vbExclamation, "xlfin"
#Else
    If Application.ActiveProtectedViewWindow Is Nothing Then
        MsgBox U(MSG_NO_WORKBOOK), vbExclamation, "xlfin"
    Else
        MsgBox U(MSG_PROTECTED_VIEW), vbExclamation, "xlfin"
    End If
#End If
End Function

' Text from UTF-16 code units written as 4 hex digits each.
Public Function U(hexText As String) As String
    Dim i As Long
    Dim out As String
    For i = 1 To Len(hexText) Step 4
        out = out & ChrW(CLng("&H" & Mid$(hexText, i, 4)))
    Next i
    U = out
End Function
