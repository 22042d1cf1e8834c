"""The Excel add-in's sources (ribbon XML, VBA module, config defaults), shipped as package
data of ``xlfin.macros`` so that ``xlfin addin build`` finds them in any install."""
