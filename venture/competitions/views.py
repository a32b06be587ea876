from flask import Blueprint

bp = Blueprint("competitions", __name__)
